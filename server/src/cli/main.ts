console.log('paramwise');
